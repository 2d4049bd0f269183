// Runs in the invoker's JVM with regula-maven-plugin's test class path (addTestClassPath).
dev.regula.maven.ItFixtures.inputs(basedir.toPath().resolve('src/regula'))
return true
