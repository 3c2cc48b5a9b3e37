"""Digital signatures on the PDFs agencies send: checked on upload, shown wherever the reply is."""
