package shop.engine.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {

    private static List<Instruction> parse(String text) {
        return new DockerfileParser("Dockerfile").parse(text).instructions();
    }

    @Test
    void joinsContinuationsSkippingCommentsAndKeepsTheStartingLine() {
        List<Instruction> ins = parse("""
                FROM debian
                # a comment

                RUN apt-get update \\
                # inside a continuation
                    && apt-get install -y curl \\

                    && true
                cmd ["a", "b"]
                """);
        assertThat(ins).extracting(Instruction::keyword).containsExactly("FROM", "RUN", "CMD");
        assertThat(ins.get(1).text()).isEqualTo("apt-get update     && apt-get install -y curl     && true");
        assertThat(ins.get(1).line()).isEqualTo(4);
        assertThat(ins.get(2).line()).isEqualTo(9);
        assertThat(ins.get(2).json()).containsExactly("a", "b");
    }

    @Test
    void escapeDirectiveSwitchesTheContinuationCharacter() {
        Dockerfile file = new DockerfileParser("Dockerfile").parse("# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo done\n");
        assertThat(file.escape()).isEqualTo('`');
        assertThat(file.instructions().get(1).text()).isEqualTo("dir c:\\   && echo done");
    }

    @Test
    void directivesCountOnlyAtTheTop() {
        Dockerfile file = new DockerfileParser("Dockerfile").parse("FROM x\n# escape=`\nRUN a \\\n b\n");
        assertThat(file.escape()).isEqualTo('\\');
        assertThat(file.instructions().get(1).text()).isEqualTo("a  b");
    }

    @Test
    void flagsAreSeparatedFromArguments() {
        Instruction copy = parse("FROM x\nCOPY --from=build --chown=app:app /a /b\n").get(1);
        assertThat(copy.flags()).isEqualTo(Map.of("from", "build", "chown", "app:app"));
        assertThat(copy.text()).isEqualTo("/a /b");
    }

    @Test
    void invalidJsonFallsBackToTheShellForm() {
        Instruction run = parse("FROM x\nRUN [not json\n").get(1);
        assertThat(run.isJson()).isFalse();
        assertThat(run.text()).isEqualTo("[not json");
    }

    @Test
    void errorsNameFileLineAndInstruction() {
        assertThatThrownBy(() -> parse("FROM x\n\nFROB y\n")).hasMessage("Dockerfile:3: unknown instruction: FROB");
        assertThatThrownBy(() -> parse("FROM x\nONBUILD RUN y\n")).hasMessageStartingWith("Dockerfile:2: ONBUILD:");
        assertThatThrownBy(() -> parse("FROM x\nRUN\n")).hasMessage("Dockerfile:2: RUN: RUN requires at least one argument");
        assertThatThrownBy(() -> new DockerfileParser("Dockerfile").parse("# escape=x\nFROM y\n"))
                .hasMessageStartingWith("Dockerfile:1: invalid escape token");
    }
}
