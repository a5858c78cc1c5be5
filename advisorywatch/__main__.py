from advisorywatch.cli.main import main

raise SystemExit(main())
