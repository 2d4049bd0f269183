// build.log holds the three invocations of invoker.properties, in order.
def log = new File(basedir, 'build.log').text
def runs = log.split(/(?m)^\[INFO\] Total time:/)
assert runs.length == 4 : "expected three builds in build.log, found " + (runs.length - 1)
def expect = { int i, String s -> assert runs[i - 1].contains(s) : "build " + i + " of build.log lacks '" + s + "'" }
// 1: the backbone came from the remote repository, through the mirror of settings.xml ...
expect(1, 'Downloaded from regula-it-models-mirror: file:')
expect(1, 'org/example/regula-it/tiny-backbone/1.0/tiny-backbone-1.0.jar')
assert new File(localRepositoryPath, 'org/example/regula-it/tiny-backbone/1.0/tiny-backbone-1.0.jar').isFile()
// ... then the model was trained, attached and gated.
expect(1, 'import: feature model of dim')
expect(1, 'validate: done')
expect(1, 'attached model.onnx (type onnx, classifier model)')
expect(1, 'attached tokenizer.json (type json, classifier model-tokenizer)')
expect(1, '240 rows of')
expect(1, 'BUILD SUCCESS')
// 2: nothing to redo.
expect(2, 'train: up to date')
expect(2, 'validate: up to date')
expect(2, 'BUILD SUCCESS')
// 3: offline: 2.0 is in the mirror but not in the local repository, and stays out of it.
expect(3, "backbone source 'org.example.regula-it:tiny-backbone:2.0!/backbone.onnx'")
expect(3, 'Maven artifact org.example.regula-it:tiny-backbone:2.0 cannot be resolved; offline (-o): only the local repository')
expect(3, 'BUILD FAILURE')
assert !runs[2].contains('Downloading from regula-it-models-mirror')
assert !new File(localRepositoryPath, 'org/example/regula-it/tiny-backbone/2.0/tiny-backbone-2.0.jar').exists()
assert new File(basedir, 'target/regula/export/model.onnx').isFile()
return true
