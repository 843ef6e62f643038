// Jackson 2.18, the oldest CodeRunner names, is enough: the host runs.
def log = new File(basedir, 'build.log').text
if (!log.contains('host: a line went through')) {
  throw new AssertionError('the host did not run on Jackson 2.18\n' + log)
}
return true
