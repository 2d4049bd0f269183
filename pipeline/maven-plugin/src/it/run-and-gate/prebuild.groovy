// Runs in the invoker's JVM with regula-maven-plugin's test class path (addTestClassPath).
import dev.regula.maven.ItFixtures

def inputs = basedir.toPath().resolve('target/fixture')
ItFixtures.inputs(inputs)
java.nio.file.Files.copy(inputs.resolve('data.jsonl'), basedir.toPath().resolve('src/regula/data.jsonl'))
// The backbone is not in the project: only in models-repo, which settings.xml mirrors regula-it-models to.
// 1.0 for the online builds; 2.0 for the offline one, which must not fetch it.
ItFixtures.repository(basedir.toPath().resolve('models-repo'), inputs, '1.0')
ItFixtures.repository(basedir.toPath().resolve('models-repo'), inputs, '2.0')
return true
