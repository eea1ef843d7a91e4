import WorkbookKit

WorkbookCommand.main()
