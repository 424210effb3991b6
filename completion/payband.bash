# payband bash completion: commands, each command's flags, and the values
# of flags that take a fixed set or a file. Made by `payband completion bash`
# from the command table (cli/commands.c); edit the table, then run
# `make completion`. Install: source it, or copy it to
# $PREFIX/share/bash-completion/completions/payband (`make install`).
_payband()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd='' i flags='' operands='' w
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --db) ((i++)) ;;
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        if [[ $prev == --db ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        elif [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--db --help --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W 'tour bands levels gap stale sources companies roles premiums rates import check offer compare plan reports import-facts init completion help version' -- "$cur"))
        fi
        return
    fi
    case $cmd in
        tour)
            flags='--db --help'
            case $prev in
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            operands=''
            ;;
        bands)
            flags='--company --role --region --level --source --currency --as-of --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --company|--role|--region|--level|--source|--currency|--as-of) return ;;
            esac
            operands=''
            ;;
        levels)
            flags='--format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            operands=''
            ;;
        gap)
            flags='--component --currency --as-of --format --wide --db --help'
            case $prev in
                --component) COMPREPLY=($(compgen -W 'tc base equity' -- "$cur")); return ;;
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --currency|--as-of) return ;;
            esac
            operands=''
            ;;
        stale)
            flags='--as-of --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --as-of) return ;;
            esac
            operands=''
            ;;
        sources)
            flags='--as-of --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --as-of) return ;;
            esac
            operands=''
            ;;
        companies)
            flags='--format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            operands=''
            ;;
        roles)
            flags='--company --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --company) return ;;
            esac
            operands=''
            ;;
        premiums)
            flags='--company --role --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --company|--role) return ;;
            esac
            operands=''
            ;;
        rates)
            flags='--to --date --source --replace --base --quote --since --format --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --to|--date|--source|--base|--quote|--since) return ;;
            esac
            operands='import add list delete convert'
            ;;
        import)
            flags='--type --as-of --format --wide --db --help'
            case $prev in
                --type) COMPREPLY=($(compgen -W 'guide briefing' -- "$cur")); return ;;
                --format) COMPREPLY=($(compgen -W 'table json' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --as-of) return ;;
            esac
            operands='FILE'
            ;;
        check)
            flags='--type --no-store --format --wide --db --help'
            case $prev in
                --type) COMPREPLY=($(compgen -W 'guide briefing' -- "$cur")); return ;;
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            operands='FILE'
            ;;
        offer)
            flags='--years --currency --events --template --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --years|--currency) return ;;
            esac
            operands='FILE'
            ;;
        compare)
            flags='--years --simulations --seed --risk-aversion --wealth --threads --currency --scenarios --black-scholes --volatility --drift --liquidity --failure --dilution --exit-median --exit-sigma --risk-free --option-term --format --wide --db --help'
            case $prev in
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --years|--simulations|--seed|--risk-aversion|--wealth|--threads|--currency|--volatility|--drift|--liquidity|--failure|--dilution|--exit-median|--exit-sigma|--risk-free|--option-term) return ;;
            esac
            operands='FILE'
            ;;
        plan)
            flags='--company --role --region --level --offer --competing --profile --currency --years --seed --simulations --as-of --output --format --db --help'
            case $prev in
                --offer) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --competing) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --profile) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --format) COMPREPLY=($(compgen -W 'md json' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --company|--role|--region|--level|--currency|--years|--seed|--simulations|--as-of) return ;;
            esac
            operands=''
            ;;
        reports)
            flags='--map --source --currency --as-of --strict --dry-run --company --role --level --region --years-min --years-max --since --component --by --min-reports --format --wide --db --help'
            case $prev in
                --component) COMPREPLY=($(compgen -W 'tc base equity bonus' -- "$cur")); return ;;
                --by) COMPREPLY=($(compgen -W 'company role level region years' -- "$cur")); return ;;
                --format) COMPREPLY=($(compgen -W 'table json csv' -- "$cur")); return ;;
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                --map|--source|--currency|--as-of|--company|--role|--level|--region|--years-min|--years-max|--since|--min-reports) return ;;
            esac
            operands='import percentiles summary'
            ;;
        import-facts)
            flags='--db --help'
            case $prev in
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            operands='FILE'
            ;;
        init)
            flags='--empty --db --help'
            case $prev in
                --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            operands=''
            ;;
        completion)
            flags='--help'
            case $prev in
            esac
            operands='bash'
            ;;
        help)
            flags='--man --help'
            case $prev in
            esac
            operands='tour bands levels gap stale sources companies roles premiums rates import check offer compare plan reports import-facts init completion help version'
            ;;
        version)
            flags='--help'
            case $prev in
            esac
            operands=''
            ;;
        *) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ $operands == FILE ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    elif [[ -n $operands ]]; then
        # a word of the list, once; files after it (`rates import FILE`)
        for ((w = i + 1; w < COMP_CWORD; w++)); do
            if [[ " $operands " == *" ${COMP_WORDS[w]} "* ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
                return
            fi
        done
        COMPREPLY=($(compgen -W "$operands" -- "$cur"))
    fi
}
complete -o filenames -F _payband payband
