#!/usr/bin/env bash
# Prints what 'make test' ran, from the Surefire and Failsafe XML reports under ROOT (default .):
# one line per module and phase, then 'N passed, N failed, N skipped' as the last line.
# MVN_STATUS (mvn's exit status) marks a failed build whose failure was not a test's.
# Exits 1 when a test failed or errored, or when MVN_STATUS is not 0.
set -euo pipefail
root=${1:-.}
mvn_status=${MVN_STATUS:-0}
passed=0 failed=0 skipped=0

# The attributes of a report's <testsuite> element: tests failures errors skipped.
suite_counts() {
  tr '\n' ' ' <"$1" | sed -n 's/^.*<testsuite \([^>]*\)>.*$/\1/p' | head -c 4096 | awk '
    { n = split("tests failures errors skipped", names, " ")
      for (i = 1; i <= n; i++) {
        v = 0
        if (match($0, "[ \t]" names[i] "=\"[0-9]+\"")) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); v = s }
        printf "%s%d", (i > 1 ? " " : ""), v
      }
      print "" }'
}

while IFS= read -r reports; do
  module=${reports%/target/*}
  module=${module#"$root"/}
  [ "$module" = "$root" ] && module=.
  case "$reports" in
    */surefire-reports) phase="unit tests (surefire)" ;;
    *) phase="integration tests (failsafe)" ;;
  esac
  t=0 f=0 e=0 s=0
  for xml in "$reports"/TEST-*.xml; do
    [ -e "$xml" ] || continue
    read -r a b c d < <(suite_counts "$xml")
    t=$((t + ${a:-0})) f=$((f + ${b:-0})) e=$((e + ${c:-0})) s=$((s + ${d:-0}))
  done
  echo "$module: $phase: $t tests, $f failures, $e errors, $s skipped"
  passed=$((passed + t - f - e - s)) failed=$((failed + f + e)) skipped=$((skipped + s))
done < <(find "$root" -path '*/target/surefire-reports' -o -path '*/target/failsafe-reports' | grep -v '/target/test-tools/' |
  sed 's/surefire-reports$/1&/; s/failsafe-reports$/2&/' | sort | sed 's/[12]\(surefire-reports\|failsafe-reports\)$/\1/')

if [ "$mvn_status" != 0 ] && [ "$failed" = 0 ]; then
  echo "the build failed (mvn exit status $mvn_status) outside the tests: see the messages above"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$mvn_status" = 0 ]
