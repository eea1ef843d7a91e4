import WorkbookCommand

WorkbookCommand.main()
