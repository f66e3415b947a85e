from ovh_invoices_tui.cli import main

raise SystemExit(main())
