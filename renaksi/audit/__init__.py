"""One audit trail: who did what to which plan, when, with the values before and after."""
