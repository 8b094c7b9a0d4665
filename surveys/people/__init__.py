"""People and sessions coming from the organisation's files: `importing` reads a CSV or XLSX
export, checks each row and writes the good ones.
"""
