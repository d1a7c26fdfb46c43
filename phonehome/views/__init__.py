"""Views: what people read. The report (HTML, Markdown, tables), the dashboard and the CLI's
summary table. Views read the core (`phonehome.analysis`) and the store; never live capture
(`phonehome.addons`) or device code (`phonehome.hooks`)."""
