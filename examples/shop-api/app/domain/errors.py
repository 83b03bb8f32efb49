"""Domain errors, translated to HTTP responses by the API layer."""


class DomainError(Exception):
    code = "domain_error"


class OutOfStock(DomainError):
    code = "out_of_stock"
