package shop.engine.fig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/**
 * The version a release of a service goes by: {@code <pom version>-<git short sha>}, and
 * {@code -dirty} when the work tree has changes not committed (untracked files aside, as
 * {@code git describe --dirty} counts). fig stamps it on the images it builds as
 * {@value #LABEL}; {@code fig deploy} tags the image with it.
 *
 * <p>A tag must name one image for a rollback to find it, so a dirty build's version also carries
 * the first digits of its image id (two dirty builds of one commit differ), and an image built
 * outside git is known by its id alone.
 */
final class ReleaseVersion {

    static final String LABEL = "org.opencontainers.image.version";
    /** What a Docker tag may hold, less its first-character rule, which every part here meets. */
    private static final Pattern TAG_PART = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private ReleaseVersion() {
    }

    /** The version of the sources in a build context now, or null outside git. */
    static String ofSources(Path context) {
        String commit = git(context, "rev-parse", "--short", "HEAD");
        if (commit == null || !TAG_PART.matcher(commit).matches()) {
            return null;
        }
        String changes = git(context, "status", "--porcelain", "--untracked-files=no");
        String pom = pomVersion(context.resolve("pom.xml"));
        return (pom == null ? "" : pom + "-") + commit + (changes == null || changes.isEmpty() ? "" : "-dirty");
    }

    /** The version an image is released as: its stamp, with its id's first digits when dirty; else its id. */
    static String ofImage(String imageId, Map<String, String> labels) {
        String hex = imageId.replaceFirst("^sha256:", "");
        String stamp = labels == null ? null : labels.get(LABEL);
        if (stamp == null || !TAG_PART.matcher(stamp).matches()) {
            return hex.substring(0, 12);
        }
        return stamp.endsWith("-dirty") ? stamp + "." + hex.substring(0, 7) : stamp;
    }

    /**
     * The project's version in a Maven pom, its own or its parent's; null without a pom or when the
     * version is not a plain one (a {@code ${revision}} property, say). JDK's parser, with no DTD.
     */
    private static String pomVersion(Path pom) {
        if (!Files.isRegularFile(pom)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(pom)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document document = factory.newDocumentBuilder().parse(in);
            var xpath = XPathFactory.newInstance().newXPath();
            String version = xpath.evaluate("/*[local-name()='project']/*[local-name()='version']", document).strip();
            if (version.isEmpty()) {
                version = xpath.evaluate("/*[local-name()='project']/*[local-name()='parent']/*[local-name()='version']", document).strip();
            }
            return TAG_PART.matcher(version).matches() ? version : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** What git printed, stripped; null when git is missing, fails, or the folder is not in a repository. */
    private static String git(Path folder, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", folder.toString()));
        command.addAll(List.of(args));
        try {
            Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            return git.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
