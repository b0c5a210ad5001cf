package shop.engine.fig;

import java.util.List;

/** Signal names as {@code docker kill -s} takes them, checked before any container is touched. */
public final class Signals {

    /** Linux's, by number from 1; compose and Docker take them with or without SIG, or by number. */
    private static final List<String> NAMES = List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
            "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {
    }

    /** {@code SIGTERM}, {@code term} or {@code 15} as {@code SIGTERM}; a real-time number (34 to 64) as it is. */
    public static String parse(String text) {
        String name = text.toUpperCase().replaceFirst("^SIG", "");
        if (NAMES.contains(name)) {
            return "SIG" + name;
        }
        if (text.matches("\\d{1,2}")) {
            int number = Integer.parseInt(text);
            if (number >= 1 && number <= NAMES.size()) {
                return "SIG" + NAMES.get(number - 1);
            }
            if (number >= 34 && number <= 64) {
                return text;
            }
        }
        throw new FigException("invalid signal \"" + text + "\": want a name such as SIGTERM, TERM or HUP, or a number from 1 to 64");
    }
}
