{#- Full-width ASCII forms (U+FF01-U+FF5E) to their ASCII characters and the ideographic
    space (U+3000) to a space, as Chinese input methods type them. The backslash comes
    from chr(92) because Spark string literals treat it as an escape. translate() is costly
    on DuckDB (it builds its character map again for every row, ~35 times the cost of a
    regular expression test), so it runs only on text that has one of those characters: the
    test's character class is exactly translate()'s first argument. -#}
{% macro to_halfwidth(expr) -%}
    case
        when {{ datong.regex_matches(expr, "'[！-～　]'") }}
            then translate(
                {{ expr }},
                '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
                '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[' || chr(92) || ']^_`abcdefghijklmnopqrstuvwxyz{|}~ '
            )
        else {{ expr }}
    end
{%- endmacro %}
