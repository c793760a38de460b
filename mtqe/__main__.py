from mtqe.launch import main

raise SystemExit(main())
