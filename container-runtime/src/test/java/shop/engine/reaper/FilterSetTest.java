package shop.engine.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shop.engine.support.EngineException;

/** Ryuk's protocol lines, read without an engine: no root needed. */
class FilterSetTest {

    @Test
    void aTestcontainersSessionLineBecomesItsLabelFilters() {
        FilterSet set = FilterSet.parse("label=org.testcontainers.sessionId%3D5e2a&label=org.testcontainers%3Dtrue");

        assertThat(set.filters()).containsExactly(
                Map.entry("label", List.of("org.testcontainers.sessionId=5e2a", "org.testcontainers=true")));
    }

    @Test
    void whatTestcontainersEncodesComesBackAsItWas() {
        // Testcontainers encodes each key and value with URLEncoder: spaces become '+', '=' and '/' become escapes.
        String value = "org.testcontainers.lang=java / jdk 17";
        FilterSet set = FilterSet.parse("label=" + URLEncoder.encode(value, StandardCharsets.UTF_8)
                + "&label=caf%C3%A9%3Dyes");

        assertThat(set.filters().get("label")).containsExactly("café=yes", value);
    }

    @Test
    void theSameFiltersInAnotherOrderAreOneSet() {
        FilterSet a = FilterSet.parse("label=a%3D1&name=web&label=b");
        FilterSet b = FilterSet.parse("name=web&label=b&label=a%3D1&label=b");

        assertThat(a).isEqualTo(b);
        assertThat(a.filters()).containsOnlyKeys("label", "name");
        assertThat(a.toString()).isEqualTo("label=a=1, label=b, name=web");
    }

    @Test
    void aResourceMustCarryEveryLabelOfTheSet() {
        FilterSet set = FilterSet.parse("label=org.testcontainers.sessionId%3Ds1&label=org.testcontainers");

        assertThat(set.labelled(Map.of("org.testcontainers.sessionId", "s1", "org.testcontainers", "anything"))).isTrue();
        assertThat(set.labelled(Map.of("org.testcontainers.sessionId", "s2", "org.testcontainers", "true"))).isFalse();
        assertThat(set.labelled(Map.of("org.testcontainers.sessionId", "s1"))).isFalse();
        assertThat(set.labelled(Map.of())).isFalse();
    }

    @Test
    void aBrokenEscapeIsRefusedNamingTheLineAndTheEscape() {
        assertThatThrownBy(() -> FilterSet.parse("label=org.testcontainers.sessionId%zz1"))
                .isInstanceOf(EngineException.class)
                .hasMessage("parse filter \"label=org.testcontainers.sessionId%zz1\": invalid URL escape \"%zz\"");
        assertThatThrownBy(() -> FilterSet.parse("label=a%3"))
                .hasMessageEndingWith(": invalid URL escape \"%3\"");
        assertThatThrownBy(() -> FilterSet.parse("label=a;label=b"))
                .hasMessageContaining("\";\" is not a separator");
    }

    @Test
    void aLineThatNamesNoLabelIsRefusedRatherThanMatchingEverything() {
        assertThatThrownBy(() -> FilterSet.parse("name=web"))
                .hasMessage("parse filter \"name=web\": no label filter; the reaper removes only what carries a label it was given");
        assertThatThrownBy(() -> FilterSet.parse("&&")).hasMessageContaining("no label filter");
        assertThatThrownBy(() -> FilterSet.parse("=x&label=a")).hasMessageContaining("a filter without a name (\"=x\")");
    }
}
