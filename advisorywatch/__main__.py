from advisorywatch.cli import main

raise SystemExit(main())
