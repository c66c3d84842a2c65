"""Documents: render context, gettext catalogs, HTML (Jinja), PDF (WeasyPrint), DOCX (python-docx), build."""
