// The build failed (invoker.buildResult = failure); it must have failed at the gate, for the right reason.
def log = new File(basedir, 'build.log').text
def expect = { String s -> assert log.contains(s) : "build.log lacks '" + s + "'" }
expect('validate: done')                              // regula:run finished: its own gate passed
expect('regula:validate: quality gate failed for')
expect('< minAccuracy 0.99')
expect('figures: accuracy')
expect('BUILD FAILURE')
assert new File(basedir, 'target/regula/export/model.onnx').isFile()
return true
