/// An autograder's hidden scenarios: a folder that holds the draw its
/// seeds came from (`seeds.json`) and the answer key's answers for them
/// (`exN.json`), which only the judge may read.
public enum HiddenScenarios {
  public static let seedsFile = "seeds.json"
}
