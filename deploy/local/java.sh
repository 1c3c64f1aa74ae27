# Sourced by the scripts that build, test, run or measure Fulcrum: selects the JDK both planes run on
# (Java 25, which the data plane needs for its system calls through the foreign function API) and puts
# it first on PATH, so `java`, `jcmd` and the Maven Wrapper all use it.
#
# Which one: FULCRUM_JAVA_HOME if set; else JAVA_HOME if that is Java 25 or newer; else the first
# JDK 25 or newer under /usr/lib/jvm (Temurin 25 is installed there on the machines we build on).

fulcrum_java_feature() { # prints the feature release of the JDK at $1 (17, 25, ...), or 0
  local release="$1/release" version
  [[ -x "$1/bin/java" && -r "$release" ]] || { echo 0; return; }
  version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  echo "${version:-0}"
}

fulcrum_select_java() {
  local candidate
  if [[ -n "${FULCRUM_JAVA_HOME:-}" ]]; then
    echo "$FULCRUM_JAVA_HOME"; return
  fi
  if [[ -n "${JAVA_HOME:-}" ]] && (( $(fulcrum_java_feature "$JAVA_HOME") >= 25 )); then
    echo "$JAVA_HOME"; return
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if (( $(fulcrum_java_feature "$candidate") >= 25 )); then
      echo "$candidate"; return
    fi
  done
  return 1
}

if ! FULCRUM_JAVA="$(fulcrum_select_java)"; then
  echo "Fulcrum needs a JDK 25 or newer: none found (JAVA_HOME, /usr/lib/jvm); install one, or set FULCRUM_JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME="$FULCRUM_JAVA"
export PATH="$JAVA_HOME/bin:$PATH"
unset FULCRUM_JAVA
