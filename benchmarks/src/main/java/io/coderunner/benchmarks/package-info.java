/** JMH benchmarks. */
@NullMarked
package io.coderunner.benchmarks;

import org.jspecify.annotations.NullMarked;
