import Harness
import WorkbookKit
import Judge
import StudentCommands

/// The two scripts of a Gradescope autograder bundle.
///
/// Gradescope unzips the bundle into /autograder/source, runs `setup.sh`
/// there once to build its image, and runs `run_autograder` (copied to
/// /autograder) once per submission, with the student's files under
/// /autograder/submission. The results go to
/// /autograder/results/results.json.
enum AutograderScripts {
  /// The Swift release the bundle installs: the one the workbook is
  /// developed and tested with.
  static let swiftVersion = Toolchain.swiftVersion

  static let setup = """
    #!/usr/bin/env bash
    # Gradescope runs this once, as root, to build the autograder's image.
    # It installs Swift \(swiftVersion) on Gradescope's Ubuntu base image (22.04;
    # 20.04 and 24.04 also work), checks the download's signature against
    # swift.org's published keys, and builds the workbook once, so that
    # grading a submission only compiles the student's files.
    #
    # WORKBOOK_TOOLCHAIN=installed skips the download: Swift is on the PATH.
    set -euo pipefail
    here="$(cd "$(dirname "$0")" && pwd)"
    swift_version=\(swiftVersion)

    if [ "${WORKBOOK_TOOLCHAIN:-}" != "installed" ]; then
      . /etc/os-release
      case "${VERSION_ID:-}" in
        20.04) gcc=9 ;;
        22.04) gcc=11 ;;
        24.04) gcc=13 ;;
        *) echo "setup.sh: Ubuntu 20.04, 22.04 or 24.04 expected, found ${PRETTY_NAME:-unknown}" >&2; exit 1 ;;
      esac
      platform="ubuntu${VERSION_ID}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq binutils curl git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 \\
        "libgcc-${gcc}-dev" libpython3-dev libsqlite3-0 "libstdc++-${gcc}-dev" libxml2-dev libz3-dev \\
        pkg-config tzdata unzip zlib1g-dev
      name="swift-${swift_version}-RELEASE-${platform}"
      url="https://download.swift.org/swift-${swift_version}-release/${platform//./}/swift-${swift_version}-RELEASE/${name}.tar.gz"
      cd /tmp
      curl -fsSL -o swift.tar.gz "$url"
      curl -fsSL -o swift.tar.gz.sig "$url.sig"
      # The signature must verify against swift.org's release keys.
      curl -fsSL https://swift.org/keys/all-keys.asc | gpg --batch --import -
      gpg --batch --verify swift.tar.gz.sig swift.tar.gz
      mkdir -p /opt/swift
      tar -xzf swift.tar.gz -C /opt/swift --strip-components=1
      ln -sf /opt/swift/usr/bin/* /usr/local/bin/
    fi

    swift --version
    # The students' code runs as this user, which cannot read hidden/.
    id -u \(student) >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin \(student)
    chmod 700 "$here/hidden"
    cd "$here/workbook"
    swift build
    chmod -R o+rX "$here/workbook"
    """

  /// The unprivileged user the students' code runs as on the autograder.
  static let student = "workbook-student"

  /// The script that grades one submission.
  static var runAutograder: String {
    let files = Exercise.allCases.map { "  \"\($0.name) \($0.sourceFile)\"" }.joined(separator: "\n")
    return """
      #!/usr/bin/env bash
      # Gradescope runs this for every submission. It puts each submitted
      # exercise file (found by its name anywhere in the submission) into a
      # copy of the workbook, grades it, and writes results.json, also when
      # something goes wrong.
      #
      # The student's code runs as the unprivileged user \(student), which
      # cannot read hidden/: the answers for the seeds drawn when this bundle
      # was made, on which every seeded check is graded. The script checks
      # that before grading.
      #
      # AUTOGRADER_ROOT: where Gradescope's folders are (default /autograder).
      # WORKBOOK_CAPSTONE=1: grade the optional exercise 5 too.
      # WORKBOOK_OPTIONAL: optional exercises to grade too, e.g. ex5,ex6.
      # WORKBOOK_HIDDEN_VISIBILITY: when students see the hidden checks
      #   (visible, hidden, after_due_date (the default) or after_published).
      set -uo pipefail
      root="${AUTOGRADER_ROOT:-/autograder}"
      here="$(cd "$(dirname "$0")" && pwd)"
      results="$root/results/results.json"
      mkdir -p "$root/results"

      # A results.json that says what went wrong, when grading could not run.
      fail() {
        message=$(printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g' | awk '{printf "%s\\\\n", $0}')
        printf '{"score": 0, "output": "%s", "tests": []}\\n' "$message" > "$results"
        echo "$1" >&2
        exit 0
      }

      workbook="$here/workbook"
      [ -d "$workbook" ] || workbook="$root/source/workbook"
      [ -d "$workbook" ] || fail "The autograder is broken: no workbook folder next to run_autograder or in $root/source."
      hidden="$(dirname "$workbook")/hidden"
      [ -f "$hidden/seeds.json" ] || fail "The autograder is broken: no hidden/seeds.json beside the workbook."
      command -v swift >/dev/null 2>&1 || fail "The autograder is broken: Swift is not installed (setup.sh installs it)."
      [ "$(id -u)" = "0" ] || fail "The autograder must run as root, to run the students' code as \(student)."
      id -u \(student) >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin \(student)
      chmod 700 "$hidden"
      as_student=(setpriv "--reuid=$(id -u \(student))" "--regid=$(id -g \(student))" --clear-groups --)
      if "${as_student[@]}" cat "$hidden/seeds.json" >/dev/null 2>&1; then
        fail "The autograder is broken: the students' user \(student) can read $hidden."
      fi
      cd "$workbook" || fail "cannot enter $workbook"

      files=(
      \(files)
      )
      missing=()
      for entry in "${files[@]}"; do
        exercise="${entry%% *}"
        path="${entry#* }"
        name="$(basename "$path")"
        # Start from the shipped stub, then take the student's file if any.
        cp ".workbook/stubs/$path" "$path"
        found="$(find "$root/submission" -type f -name "$name" 2>/dev/null | sort | head -n 1)"
        if [ -n "$found" ]; then cp "$found" "$path"; else missing+=("$exercise"); fi
      done

      build_log="$(swift build --product workbook 2>&1)" \\
        || fail "The autograder could not build its own grading program:"$'\\n'"$(printf '%s' "$build_log" | tail -n 20)"
      chmod -R o+rX "$workbook"
      args=(grade --json "$results" --hidden "$hidden" --run-as \(student)
        --hidden-visibility "${WORKBOOK_HIDDEN_VISIBILITY:-after_due_date}")
      [ ${#missing[@]} -gt 0 ] && args+=(--not-submitted "$(IFS=,; echo "${missing[*]}")")
      [ "${WORKBOOK_CAPSTONE:-}" = "1" ] && args+=(--capstone)
      [ -n "${WORKBOOK_OPTIONAL:-}" ] && args+=(--optional "$WORKBOOK_OPTIONAL")
      "$(swift build --show-bin-path)/workbook" "${args[@]}" \\
        || fail "Grading stopped before it wrote a report; see the autograder's output."
      [ -s "$results" ] || fail "Grading wrote no report."
      """
  }
}
