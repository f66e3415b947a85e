from ovh_invoices_tui.cli.main import main

raise SystemExit(main())
