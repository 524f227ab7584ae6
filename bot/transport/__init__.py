"""How a request comes in: HTTP and Socket Mode, the front door, the envelope check, admission
and the acknowledgement deadline, and the claims that make each delivery and each modal apply once."""
