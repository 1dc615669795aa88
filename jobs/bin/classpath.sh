# Sourced by jobs/bin scripts: sets $cp to the jobs jar plus the class path Maven wrote when it built jobs
# (jobs/target/run-default.runtime.classpath, and with "provided" also Spark's), or exits with the command
# that builds it. Expects $root (the repository) and a fail function.
jobs_classpath() {
  local target="$root/jobs/target" jar e
  command -v java >/dev/null || fail "no java on the PATH (Java 17 or later is needed)"
  jar="$(ls "$target"/jobs-*.jar 2>/dev/null | grep -v -e '-spark\.jar$' -e '-tests\.jar$' -e '-sources\.jar$' | head -1 || true)"
  [[ -n "$jar" && -f "$target/run-default.runtime.classpath" && -f "$target/run-default.provided.classpath" ]] \
    || fail "jobs is not built; build it first with: mvn -B -q install -DskipTests"
  cp="$jar:$(cat "$target/run-default.runtime.classpath")"
  if [[ "${1:-}" == provided ]]; then
    cp="$cp:$(cat "$target/run-default.provided.classpath")"
  fi
  IFS=: read -r -a entries <<< "$cp"
  for e in "${entries[@]}"; do
    [[ -e "$e" ]] || fail "$e is missing (class path written at build time); rebuild with: mvn -B -q install -DskipTests"
  done
}
