package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** The CPUs and memory nodes the host has online, in the kernel's list form ({@code 0-2,4}). */
public final class HostCpus {

    private HostCpus() {
    }

    public static String onlineCpus() {
        return firstLine(Path.of("/sys/devices/system/cpu/online"), "0");
    }

    public static String onlineMemoryNodes() {
        return firstLine(Path.of("/sys/devices/system/node/online"), "0");
    }

    /** The first line of a kernel file, read by lines: Files.readString stops short on some kernel files. */
    private static String firstLine(Path file, String fallback) {
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(fallback);
        } catch (IOException e) {
            return fallback;
        }
    }

    /** The numbers of a list such as {@code 0-2,4}; null when it is not one. */
    public static Set<Integer> parseList(String list) {
        Set<Integer> result = new TreeSet<>();
        for (String part : list.split(",", -1)) {
            if (!part.matches("\\d{1,4}(-\\d{1,4})?")) {
                return null;
            }
            String[] ends = part.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = Integer.parseInt(ends[ends.length - 1]);
            if (to < from) {
                return null;
            }
            for (int n = from; n <= to; n++) {
                result.add(n);
            }
        }
        return result;
    }
}
