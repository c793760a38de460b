from mtqe.cli import main

raise SystemExit(main())
