// What a host that adds coderunner-core, -websocket and -metrics gets, checked after its build ran it.
import java.util.jar.JarFile

def log = new File(basedir, 'build.log').text
def tree = new File(basedir, 'target/dependency-tree.txt').text
def failures = []
def check = { boolean ok, String what -> if (!ok) failures << what }

// It ran: a line went through the broadcaster mounted on the host's own Undertow.
check(log.contains('host: a line went through'), 'the host did not receive its line')
check(log.contains('host: no SLF4J provider and no logging configuration on the class path'),
    'the logging check did not pass')
check(log.contains('No SLF4J providers were found'), 'SLF4J found a provider')

// The resolved tree: our three artifacts and slf4j-api, no logging provider, nothing test-scoped.
['io.coderunner:coderunner-core:jar', 'io.coderunner:coderunner-websocket:jar',
 'io.coderunner:coderunner-metrics:jar', 'org.slf4j:slf4j-api:jar',
 'com.fasterxml.jackson.core:jackson-databind:jar', 'io.undertow:undertow-core:jar',
 'io.micrometer:micrometer-core:jar'].each {
  check(tree.contains(it), "the tree lacks ${it}")
}
['slf4j-simple', 'logback', 'log4j-slf4j', 'slf4j-reload4j', 'slf4j-jdk14', 'slf4j-nop',
 'junit', 'assertj', 'mockito', 'awaitility', 'archunit', 'coderunner-reference-server'].each {
  check(!tree.contains(it), "the tree has ${it}")
}
check(!(tree =~ /:(test|provided)\b/).find(), 'the tree has test- or provided-scoped artifacts')

// Each artifact: a module name, sources and javadoc next to it, and no logging configuration inside.
def repo = localRepositoryPath
['core': 'io.coderunner.core', 'websocket': 'io.coderunner.websocket',
 'metrics': 'io.coderunner.metrics', 'storage': 'io.coderunner.storage',
 'reference-server': 'io.coderunner.server'].each { name, module ->
  def dir = new File(repo, "io/coderunner/coderunner-${name}/${projectVersion}")
  def base = "coderunner-${name}-${projectVersion}"
  def jar = new File(dir, "${base}.jar")
  check(jar.isFile(), "${jar} is missing")
  if (jar.isFile()) {
    new JarFile(jar).withCloseable { j ->
      check(j.manifest.mainAttributes.getValue('Automatic-Module-Name') == module,
          "${base}.jar has no Automatic-Module-Name ${module}")
      ['simplelogger.properties', 'logback.xml', 'log4j2.xml'].each {
        check(j.getEntry(it) == null, "${base}.jar carries ${it}")
      }
    }
  }
  ['sources', 'javadoc'].each {
    check(new File(dir, "${base}-${it}.jar").isFile(), "${base}-${it}.jar is missing")
  }
  def pom = new File(dir, "${base}.pom")
  check(pom.isFile() && pom.text.contains('<name>') && pom.text.contains('<description>'),
      "${base}.pom has no name or description")
}
def serverPom = new File(repo, "io/coderunner/coderunner-reference-server/${projectVersion}/" +
    "coderunner-reference-server-${projectVersion}.pom").text
def simple = serverPom.split('<dependency>').find { it.contains('<artifactId>slf4j-simple</artifactId>') }
check(simple != null && simple.split('</dependency>')[0].contains('<optional>true</optional>'),
    'the reference server does not keep slf4j-simple to itself (optional)')

// The metadata a repository and a reader need: on the parent every artifact inherits, and on the BOM,
// which inherits nothing.
['coderunner-parent', 'coderunner-bom'].each { name ->
  def pom = new File(repo, "io/coderunner/${name}/${projectVersion}/${name}-${projectVersion}.pom").text
  ['<name>', '<description>', '<url>', '<licenses>', '<scm>', '<developers>'].each {
    check(pom.contains(it), "${name}.pom has no ${it}")
  }
}

// docs/embedding.md shows this very host.
def docs = new File(repoRoot, 'docs/embedding.md').text
def source = new File(basedir, 'src/main/java/com/example/host/Host.java').text
check(docs.contains("```java\n" + source + "```"), 'docs/embedding.md does not show Host.java as it is')

if (failures) {
  throw new AssertionError('embedding checks failed:\n  ' + failures.join('\n  ') + '\n' + tree)
}
println tree
return true
