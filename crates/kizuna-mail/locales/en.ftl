# kizuna-mail's texts: the names of each resident's own links at the end of a notice mail.
# Every key of ja.ftl is here too (a test checks).

footer-link-manage = Change what you receive
footer-link-unsubscribe = Unsubscribe

## Safety check-in (render.rs)

check-in-request = [Safety check] Please open one of these links to answer.
check-in-link-safe = I am safe
check-in-link-help = I need help
