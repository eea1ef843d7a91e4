import Foundation
import Testing
@testable import WorkbookKit
@testable import StudentCommands
@testable import InstructorCommands
@testable import WorkbookCommand
@testable import Judge
import Harness

@Suite("The hint counter")
struct HintLogTests {
  @Test("Each request shows one more hint, then keeps showing the last")
  func counts() {
    var log = HintLog()
    let shown = (0..<5).map { _ in log.next(for: .ex3, group: "trainWithAccumulation", total: 3) }
    #expect(shown == [0, 1, 2, 2, 2])
    #expect(log.shown == ["ex3 trainWithAccumulation": 3])
  }

  @Test("Exercises and functions count separately")
  func separate() {
    var log = HintLog()
    _ = log.next(for: .ex1, group: "gradNorm", total: 4)
    _ = log.next(for: .ex1, group: "gradNorm", total: 4)
    #expect(log.next(for: .ex2, group: "gradNorm", total: 4) == 0)
    #expect(log.next(for: .ex1, group: "clipGradNorm", total: 4) == 0)
    #expect(log.next(for: .ex1, group: "gradNorm", total: 4) == 2)
  }

  @Test("Reset starts one exercise, or all, over", arguments: [Exercise.ex1, nil])
  func reset(_ exercise: Exercise?) {
    var log = HintLog(shown: ["ex1 gradNorm": 2, "ex1 trainStep": 1, "ex2 trainStep": 1])
    log.reset(exercise)
    #expect(log.shown == (exercise == nil ? [:] : ["ex2 trainStep": 1]))
  }

  @Test("The count survives a save and a load, creating the folder")
  func roundTrip() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hints-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = HintStore(url: folder.appendingPathComponent(".build/workbook-hints.json"))
    #expect(store.load() == HintLog())
    var log = store.load()
    _ = log.next(for: .ex4, group: "trainWithAccumulationAndClipping", total: 2)
    try store.save(log)
    #expect(store.load().shown == ["ex4 trainWithAccumulationAndClipping": 1])
  }

  @Test("An unreadable file starts the count over instead of failing")
  func corrupt() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hints-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("not json".utf8).write(to: url)
    #expect(HintStore(url: url).load() == HintLog())
  }

  @Test("A hint is printed with its number, its function and what to do next")
  func rendering() {
    let group = HintGroup("trainWithAccumulation", ["First.", "Second."])
    let first = HintCommand.render(.ex3, group, index: 0, paint: Paint(enabled: false), width: 80)
    #expect(first[0] == "Hint 1 of 2 about trainWithAccumulation (ex3):")
    #expect(first[2] == "  First.")
    #expect(first.last == "Still stuck? Run `swift run workbook hint ex3` again for the next hint.")
    let last = HintCommand.render(.ex3, group, index: 1, paint: Paint(enabled: false), width: 80)
    #expect(last.contains { $0.hasPrefix("That was the last hint about trainWithAccumulation.") })
  }

  /// `hint` on a fresh log, where the student stands at `place`.
  static func hint(_ options: HintOptions, at place: HintCommand.Place) throws -> [String] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hints-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    var command = HintCommand(options: options)
    command.store = HintStore(url: folder.appendingPathComponent("hints.json"))
    command.locate = { _ in place }
    var lines: [String] = []
    command.console = Console(paint: Paint(enabled: false), width: 80, interactive: false)
    command.write = { lines.append($0) }
    _ = try command.run()
    return lines
  }

  @Test("The first hint is about the function whose check fails first, not the exercise's first function")
  func followsTheFailingFunction() throws {
    let lines = try Self.hint(HintOptions(exercise: .ex1), at: .function("clipGradNorm"))
    #expect(lines.first == "Hint 1 of 3 about clipGradNorm (ex1):", "\(lines)")
    #expect(lines.contains { $0.contains("clipGradNorm needs no norm formula of its own") }, "\(lines)")
  }

  @Test("A passing exercise gets the hints about its Challenge")
  func challengeWhenGreen() throws {
    let lines = try Self.hint(HintOptions(exercise: .ex3), at: .passing)
    #expect(lines.first?.hasPrefix("Hint 1 of 2 about the Challenge of ex3") == true, "\(lines)")
  }

  @Test("hint exN FUNCTION picks the function; an unknown one is refused with the choices")
  func choosesAFunction() throws {
    let lines = try Self.hint(HintOptions(exercise: .ex1, function: "trainstep"), at: .function("gradNorm"))
    #expect(lines.first == "Hint 1 of 1 about trainStep (ex1):", "\(lines)")
    let error = try #require(throws: CommandFailure.self) {
      _ = try Self.hint(HintOptions(exercise: .ex1, function: "clip"), at: .function("gradNorm"))
    }
    #expect(error.message.contains("gradNorm, clipGradNorm, trainStep, Challenge"), "\(error.message)")
  }

  @Test("An exercise that does not compile gets no hint, but where to look")
  func doesNotCompile() throws {
    let lines = try Self.hint(HintOptions(exercise: .ex2), at: .doesNotCompile)
    #expect(lines.joined(separator: " ").contains("does not compile"), "\(lines)")
  }
}
