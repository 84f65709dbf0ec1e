"""What git says about the content: first and last commit of each file (history), review dates and owners
(review)."""
