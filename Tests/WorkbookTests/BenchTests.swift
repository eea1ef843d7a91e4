import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

/// `workbook bench` against PyTorch: live figures when the script can run,
/// a plain "not measured" when it cannot, never a fixed number.
@Suite("Benchmark against PyTorch")
struct BenchTests {
  /// A folder with an executable `python` that stands in for python3: it
  /// runs `body` (shell) whatever it is asked, and a script file for it to
  /// be handed.
  final class FakePython {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-python-\(UUID().uuidString)")
    var python: String { folder.appendingPathComponent("python").path }
    var script: String { folder.appendingPathComponent("pytorch_reference.py").path }

    init(_ body: String) throws {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: python))
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python)
      try Data("# stands in for bench/pytorch_reference.py\n".utf8).write(to: URL(fileURLWithPath: script))
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var reference: PyTorchTimes { PyTorchTimes(python: python, script: script) }
  }

  static let rows: [(BenchWorkload, [Double])] = [(.mlp, [0.5, 0.6, 0.7]), (.rnn, [9, 10, 11]), (.deep, [1, 2, 3])]

  @Test("With PyTorch, its figures are read from the script and the ratio is taken against them")
  func measured() throws {
    let fake = try FakePython(
      #"echo '{"title": "PyTorch 9.9, 1 thread, float64", "milliseconds": {"mlp": 1.2, "rnn": 40, "deep": 4}}'"#)
    let outcome = fake.reference.measure(BenchWorkload.allCases, steps: 100, runs: 3)
    #expect(outcome == .measured([.mlp: 1.2, .rnn: 40, .deep: 4], title: "PyTorch 9.9, 1 thread, float64"))

    let table = BenchCommand.table(Self.rows, runs: 3, pytorch: outcome).render()
    #expect(table.contains("PyTorch") && table.contains("Ratio"))
    #expect(table.contains("│ mlp      │  0.50 │  0.60 │  0.70 │   0.60 │    1.20 │ 0.50× │ ✓ met  │"))
    #expect(table.contains("│ rnn      │  9.00 │  10.0 │  11.0 │   10.0 │    40.0 │ 0.25× │ ✓ met  │"))
    #expect(table.contains("│ deep     │  1.00 │  2.00 │  3.00 │   2.00 │    4.00 │ 0.50× │ ✓ met  │"))
    let footer = BenchCommand.footer(outcome, width: 80).joined(separator: " ")
    #expect(footer.contains("PyTorch 9.9, 1 thread, float64") && footer.contains("measured just now"))
  }

  @Test("The script is asked for the same workloads, steps and runs")
  func arguments() throws {
    // The fake prints its arguments in the figure's place when they are right.
    let fake = try FakePython(
      #"[ "$2 $3 $4 $5 $6 $7 $8" = "--json --steps 150 --runs 2 --workload rnn" ] || exit 9"# + "\n"
        + #"echo '{"title": "t", "milliseconds": {"rnn": 2}}'"#)
    #expect(fake.reference.measure([.rnn], steps: 150, runs: 2) == .measured([.rnn: 2], title: "t"))
  }

  @Test("Without torch, PyTorch is not measured and the table has no PyTorch column")
  func torchMissing() throws {
    let fake = try FakePython("echo \"No module named 'torch'\" >&2; exit 3")
    let outcome = fake.reference.measure(BenchWorkload.allCases, steps: 100, runs: 1)
    guard case let .notMeasured(reason) = outcome else {
      Issue.record("expected not measured, got \(outcome)")
      return
    }
    #expect(reason.contains("cannot import") && reason.contains("No module named 'torch'"))

    let table = BenchCommand.table(Self.rows, runs: 3, pytorch: outcome).render()
    #expect(!table.contains("PyTorch") && !table.contains("Ratio") && !table.contains("×"))
    let footer = BenchCommand.footer(outcome, width: 80).joined(separator: " ")
    #expect(footer.hasPrefix("PyTorch was not measured: "))
  }

  @Test("Without Python, or without the script, PyTorch is not measured")
  func nothingToRun() throws {
    let fake = try FakePython("exit 0")
    let noPython = PyTorchTimes(python: fake.folder.appendingPathComponent("no-such-python").path, script: fake.script)
    guard case let .notMeasured(reason) = noPython.measure([.mlp], steps: 100, runs: 1) else {
      Issue.record("a missing python measured something")
      return
    }
    #expect(reason.contains("was not found"))

    let noScript = PyTorchTimes(python: fake.python, script: fake.folder.appendingPathComponent("none.py").path)
    #expect(noScript.measure([.mlp], steps: 100, runs: 1) != .measured([:], title: ""))
    guard case .notMeasured = noScript.measure([.mlp], steps: 100, runs: 1) else {
      Issue.record("a missing script measured something")
      return
    }
  }

  @Test("Output the script did not mean as figures is not taken as figures")
  func garbage() throws {
    let fake = try FakePython(#"echo '{"title": "t", "milliseconds": {"mlp": 1}}'"#)
    guard case let .notMeasured(reason) = fake.reference.measure([.mlp, .deep], steps: 100, runs: 1) else {
      Issue.record("a missing workload was measured")
      return
    }
    #expect(reason.contains("no figure for deep"))
  }
}
