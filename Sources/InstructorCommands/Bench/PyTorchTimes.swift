import Harness
import Judge
import StudentCommands
import WorkbookKit
import Foundation

/// PyTorch's time for the benchmark's workloads, measured now on this
/// machine by `bench/pytorch_reference.py`, or the plain reason it could not
/// be.
///
/// No figure is ever taken from anywhere else: a ratio against a number
/// measured on another machine, or another day, would compare unlike with
/// unlike. The script exits with code 3 when it cannot import torch (or
/// numpy), which is read as "not measured".
struct PyTorchTimes {
  /// The Python to run the script with: a name looked up on the PATH, or a
  /// path.
  var python = "python3"
  /// The script, relative to the current folder unless absolute.
  var script = "bench/pytorch_reference.py"

  enum Outcome: Equatable {
    /// Milliseconds per optimizer step, the median of the runs' medians,
    /// and the script's own description ("PyTorch 2.4.1, 1 thread, float64").
    case measured([BenchWorkload: Double], title: String)
    /// Why there are no figures, as a clause: "python3 cannot import what
    /// bench/pytorch_reference.py needs (No module named 'torch')".
    case notMeasured(String)
  }

  /// Times `workloads` with the same steps and runs as the engine.
  func measure(_ workloads: [BenchWorkload], steps: Int, runs: Int) -> Outcome {
    guard FileManager.default.fileExists(atPath: script) else {
      return .notMeasured("\(script) is not here (run the benchmark in the workbook's folder)")
    }
    var arguments = [python, script, "--json", "--steps", String(steps), "--runs", String(runs)]
    for workload in workloads { arguments += ["--workload", workload.rawValue] }
    let child = ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: arguments)
    let run: ChildRun
    do {
      run = try child.run()
    } catch {
      return .notMeasured("\(python) could not be started: \(error.localizedDescription)")
    }
    return Self.outcome(of: run, python: python, script: script, workloads: workloads)
  }

  /// Reads the script's run: its JSON line on success, the reason otherwise.
  static func outcome(of run: ChildRun, python: String, script: String, workloads: [BenchWorkload]) -> Outcome {
    let said = run.errorOutput.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) }
    switch run.termination {
    case .exited(0):
      break
    case .exited(3):
      return .notMeasured("\(python) cannot import what \(script) needs" + (said.map { " (\($0))" } ?? ""))
    case .exited(127):
      return .notMeasured("\(python) was not found")
    case let .exited(code):
      return .notMeasured("\(script) failed with exit code \(code)" + (said.map { ": \($0)" } ?? ""))
    case let .signaled(signal):
      return .notMeasured("\(script) was stopped by signal \(signal)")
    }
    struct Report: Decodable {
      var title: String
      var milliseconds: [String: Double]
    }
    guard let line = run.output.split(separator: "\n").last,
      let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8))
    else {
      return .notMeasured("\(script) printed no figures `workbook bench` can read")
    }
    var figures: [BenchWorkload: Double] = [:]
    for workload in workloads {
      guard let value = report.milliseconds[workload.rawValue], value.isFinite, value > 0 else {
        return .notMeasured("\(script) printed no figure for \(workload.rawValue)")
      }
      figures[workload] = value
    }
    return .measured(figures, title: report.title)
  }
}
