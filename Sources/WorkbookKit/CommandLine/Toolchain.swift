/// The Swift release an autograder installs, as its help and scripts say.
public enum Toolchain {
  public static let swiftVersion = "6.3.1"
}
