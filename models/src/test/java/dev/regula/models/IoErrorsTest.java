package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
    @Test
    void nioExceptionsAreSaidInWordsNotOnlyTheirPath() {
        assertThat(IoErrors.describe(new FileAlreadyExistsException("/w"))).isEqualTo("/w exists and is not a folder");
        assertThat(IoErrors.describe(new AccessDeniedException("/w"))).isEqualTo("/w: permission denied");
        assertThat(IoErrors.describe(new NoSuchFileException("/w"))).isEqualTo("/w does not exist");
        assertThat(IoErrors.describe(new FileSystemException("/w", null, "No space left on device")))
                .isEqualTo("/w: No space left on device");
        assertThat(IoErrors.describe(new IOException("disk on fire"))).isEqualTo("disk on fire");
    }
}
