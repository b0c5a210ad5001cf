package shop.engine.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Who may reach the engine: root, and the members of group {@code docker} when the host has one,
 * as with dockerd. The state root holds unpacked layers (setuid binaries among them) and the
 * containers' environments (passwords among them), so it is 0710: the group may pass through to
 * the socket, nobody else may even look inside. The socket is 0660; reaching it is root's power.
 */
public final class EngineAccess {

    static final String GROUP = "docker";

    private EngineAccess() {
    }

    /** Creates the state root when missing, and makes it 0710, of group docker when there is one. */
    public static void restrictStateRoot(Path root) {
        restrict(root, "rwx--x---", true);
    }

    /** Makes the API's socket 0660, of group docker when there is one. */
    public static void restrictSocket(Path socket) {
        restrict(socket, "rw-rw----", false);
    }

    private static void restrict(Path path, String mode, boolean directory) {
        try {
            if (directory) {
                Files.createDirectories(path);
            }
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            GroupPrincipal group = group(path);
            if (group != null) {
                view.setGroup(group);
            }
            view.setPermissions(PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw EngineException.failed("restrict access to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Group docker, or null when the host has none (root alone may then reach the engine). */
    private static GroupPrincipal group(Path path) throws IOException {
        try {
            return path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(GROUP);
        } catch (UserPrincipalNotFoundException none) {
            return null;
        }
    }
}
