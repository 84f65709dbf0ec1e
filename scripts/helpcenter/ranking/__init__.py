"""Which articles to show next: related articles (related) and popular ones (popular, the one popularity
formula)."""
