"""Documents the sandbox serves: remittance PDFs, EOBs, faxed CMNs and orders."""
