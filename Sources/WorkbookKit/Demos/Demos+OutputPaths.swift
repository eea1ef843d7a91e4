extension Demos {
  /// Checks that the files `options` asks for (`--svg`, `--csv`) can be
  /// written, before any training: a typo in a folder name costs a second,
  /// not a finished demo, and leaves no new folder behind. A missing folder
  /// or an unwritable path throws a `CommandFailure` such as "cannot write
  /// docs/x.svg: the folder docs does not exist". Creates nothing.
  public static func checkOutputPaths(_ options: DemoOptions) throws {
    _ = try OutputPath.checked(options.svgPath)
    _ = try OutputPath.checked(options.csvPath)
  }
}
