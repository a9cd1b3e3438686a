{#- The consignee as platforms show it: the phone masked to its first three and last four digits
    (`138****1234`; a full phone is masked the same way, so masked and unmasked records of one
    person agree), then `|` and the name without spaces. Null when either part is missing.
    Platforms mask most receiver phones; this key is what still links one person's orders
    across platforms and to the loyalty programme, where the member's name and phone give the
    same key. Callers pseudonymise it before it leaves staging. -#}
{% macro consignee_key(phone, masked_phone, name) -%}
    case
        when {{ name }} is not null and coalesce({{ masked_phone }}, {{ phone }}) is not null
            then {{ dbt.concat([
                "coalesce(" ~ masked_phone ~ ", " ~ dbt.concat([
                    "substring(" ~ phone ~ ", 1, 3)", "'****'",
                    "substring(" ~ phone ~ ", 8, 4)"
                ]) ~ ")",
                "'|'",
                "replace(" ~ name ~ ", ' ', '')"
            ]) }}
    end
{%- endmacro %}
