package dev.regula.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The descriptor maven-plugin-plugin generated from the annotations: what Maven itself reads. */
class PluginDescriptorTest {
    private static Element mojo(Document d, String goal) {
        NodeList mojos = d.getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element m = (Element) mojos.item(i);
            if (text(m, "goal").equals(goal)) {
                return m;
            }
        }
        throw new AssertionError("no mojo " + goal);
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
    }

    /** "name:required" for every parameter, with the property that sets it where there is one. */
    private static List<String> parameters(Element mojo) {
        List<String> out = new ArrayList<>();
        NodeList params = ((Element) mojo.getElementsByTagName("parameters").item(0)).getElementsByTagName("parameter");
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            out.add(text(p, "name") + ":" + text(p, "required"));
        }
        return out;
    }

    @Test
    void declaresTheGoalsWithTheirPhasesAndParameters() throws Exception {
        Path file = Path.of(System.getProperty("basedir", "."), "target/classes/META-INF/maven/plugin.xml");
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        Element root = d.getDocumentElement();
        assertThat(text(root, "goalPrefix")).isEqualTo("regula");
        assertThat(text(root, "artifactId")).isEqualTo("regula-maven-plugin");

        Element run = mojo(d, "run");
        assertThat(text(run, "phase")).isEqualTo("package");
        assertThat(text(run, "implementation")).isEqualTo(RunMojo.class.getName());
        assertThat(parameters(run)).contains("spec:true", "workDirectory:false", "from:false", "force:false", "skip:false",
                "attach:false", "classifier:false");
        Element config = (Element) run.getElementsByTagName("configuration").item(0);
        Element work = (Element) config.getElementsByTagName("workDirectory").item(0);
        assertThat(work.getAttribute("default-value")).isEqualTo("${project.build.directory}/regula");
        assertThat(text(config, "skip")).isEqualTo("${regula.skip}");

        Element validate = mojo(d, "validate");
        assertThat(text(validate, "phase")).isEqualTo("verify");
        assertThat(parameters(validate)).contains("model:true", "data:true", "minAccuracy:false", "minMacroF1:false",
                "maxEce:false", "maxNll:false", "skip:false");

        Element inspect = mojo(d, "inspect");
        assertThat(text(inspect, "requiresProject")).isEqualTo("false");
    }
}
