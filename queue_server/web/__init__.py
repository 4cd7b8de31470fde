"""Server-rendered pages for billers and supervisors."""
