package dev.regula.pipeline.run;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;

/**
 * A folder that Regula would replace as a whole was not written by Regula (or holds another kind of
 * output): it is refused and left untouched.
 */
public final class ForeignFolderException extends RegulaException {
    private final Path folder;
    private final String expected;

    /**
     * @param folder the refused folder
     * @param expected what it must carry to be replaced (a stage's manifest, an output marker)
     * @param problem what is wrong, naming the option or key that gave the folder
     */
    public ForeignFolderException(Path folder, String expected, Problem problem) {
        super(problem);
        this.folder = folder;
        this.expected = expected;
    }

    public Path folder() {
        return folder;
    }

    /** What the folder must carry to be replaced. */
    public String expected() {
        return expected;
    }
}
