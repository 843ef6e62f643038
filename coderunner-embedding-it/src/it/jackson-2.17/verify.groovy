// On Jackson 2.17 the host fails at once, and the message says what to do.
def log = new File(basedir, 'build.log').text
def failures = []
if (!log.contains('CodeRunner needs Jackson 2.18 or newer, but the class path has jackson-core 2.17.3')) {
  failures << 'the failure does not name the Jackson needed and the one found'
}
if (log.contains('NoSuchFieldError')) {
  failures << 'the host failed with a NoSuchFieldError instead of the check'
}
if (log.contains('host: a line went through')) {
  failures << 'the host ran on Jackson 2.17'
}
if (failures) {
  throw new AssertionError(failures.join('\n') + '\n' + log)
}
return true
