{#- Keyed pseudonym of an identifier's normalised value: the first 32 lowercase hex digits
    (128 bits) of its HMAC-SHA-256, equal on every engine for the same value and key
    (src/datong/pseudonym.py is the reference, PSEUDONYM_HEX_DIGITS the width). Null stays
    null. The key never appears in SQL: DuckDB reads session variables set by
    datong.duckdb_plugin, Spark substitutes the environment variable when it parses. -#}
{% macro pseudonymize(expr) -%}
    {{ datong.assert_pseudonymize_not_in_view() }}
    {{ return(adapter.dispatch('pseudonymize', 'datong')(expr)) }}
{%- endmacro %}

{#- How many hex digits of the HMAC a pseudonym keeps (docs/privacy.md, "Width"); the
    reference is PSEUDONYM_HEX_DIGITS in src/datong/pseudonym.py. -#}
{% macro pseudonym_hex_digits() -%}
    32
{%- endmacro %}

{#- A view keeps its SQL in the catalogue, and on Spark that SQL holds the key substituted
    for ${env:DATONG_PSEUDONYM_KEY}: pseudonyms are computed only in tables. -#}
{% macro assert_pseudonymize_not_in_view() -%}
    {%- if model is defined and model is mapping and model.get('config') -%}
        {%- set materialized = model.config.get('materialized') -%}
        {%- if materialized in ('view', 'materialized_view') -%}
            {{ exceptions.raise_compiler_error(
                "pseudonymize() in " ~ model.get('name', 'a model') ~ ", materialized as "
                ~ materialized ~ ": a view stores its SQL, and on Spark the substituted "
                ~ "pseudonym key with it. Materialize the model as a table."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__pseudonymize(expr) -%}
    substring(
        sha256(
            getvariable('datong_hmac_outer')
            || unhex(sha256(getvariable('datong_hmac_inner') || encode({{ expr }})))
        ),
        1,
        {{ datong.pseudonym_hex_digits() }}
    )
{%- endmacro %}

{#- Spark replaces ${env:NAME} with the variable's value while parsing and leaves it as typed
    when the variable is unset; the development key is used only then, and `check_pseudonym_key`
    stops non-development targets before that can happen. The concat keeps the comparison
    literal from being substituted itself. -#}
{% macro spark__pseudonymize(expr) -%}
    substring(lower(hex(hmac(
        coalesce(
            nullif('${env:DATONG_PSEUDONYM_KEY}', concat('$', '{env:DATONG_PSEUDONYM_KEY}')),
            'datong-development-key-NOT-FOR-PRODUCTION'
        ),
        {{ expr }}
    ))), 1, {{ datong.pseudonym_hex_digits() }})
{%- endmacro %}
