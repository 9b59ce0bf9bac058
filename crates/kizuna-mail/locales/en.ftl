# kizuna-mail's texts: the names of each resident's own links at the end of a notice mail.
# Every key of ja.ftl is here too (a test checks).

footer-link-manage = Change what you receive
footer-link-unsubscribe = Unsubscribe
