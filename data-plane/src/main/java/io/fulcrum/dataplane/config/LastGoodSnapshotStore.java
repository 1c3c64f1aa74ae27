package io.fulcrum.dataplane.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Keeps the encoded last good snapshot on disk so a node that restarts without a control plane
 * serves what it served before; writes are atomic (temp file, fsync, rename, fsync directory).
 */
public final class LastGoodSnapshotStore {
    public static final String FILE_NAME = "last-good-snapshot.pb";

    private final Path directory;
    private final Path file;

    public LastGoodSnapshotStore(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public void write(byte[] encoded) throws IOException {
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, FILE_NAME, ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(encoded);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public Optional<byte[]> read() throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    // The rename is only durable once the directory entry itself reaches the disk.
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open directories; the rename is still atomic there.
        }
    }
}
