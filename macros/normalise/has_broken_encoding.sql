{#- True when text carries the replacement character U+FFFD, or UTF-8 Chinese that was
    decoded as Latin-1 / cp1252: the lead byte of a CJK character (U+3000-U+9FFF and the
    full-width forms, bytes E3-E9 and EF) read as a Latin letter, followed by a continuation
    byte (80-BF) read as a C1 control, a Latin-1 symbol or its cp1252 replacement. False for
    null. chr() builds the byte range without backslashes. -#}
{% macro has_broken_encoding(expr) -%}
    coalesce(
        {{ datong.regex_matches(
            expr,
            "'�|[ãäåæçèéï][' || chr(128) || '-' || chr(191)
            || '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]'"
        ) }},
        false
    )
{%- endmacro %}
