"""Rules that read a sentence's function: advice, claims, unsafe advice, stance, outcome.

Generic English, about any post: no article's names or phrases. Partners are "him", "her" or
"them" alike. Each rule returns what it found; ``annotate.py`` weighs them with the embedding
prototypes and turns them into labels with a confidence.
"""

from __future__ import annotations

import re

I = re.I
P = r"(?:him|her|them|your (?:partner|husband|wife|boyfriend|girlfriend|man|woman|guy|spouse)|a (?:man|woman))"
POSS = r"(?:his|her|their|your partner'?s|your (?:husband|wife|boyfriend|girlfriend)'?s)"
S = r"(?:he|she|they)"
NEG = r"(?:don'?t|do not|never|stop|no need to|you (?:shouldn'?t|should not|mustn'?t))"

# --- roles -------------------------------------------------------------------
IMPERATIVE = re.compile(
    r"^\s*(?:\d+[).]\s*|step \d+[:.]?\s*|rule \d+[:.]?\s*)?(?:(?:please|just|so|and|then|now|first|instead|also|but|finally|next|"
    r"remember|today|tonight|honestly|ladies|guys)[,:]?\s+)*"
    r"(?:don'?t|do not|never|always|stop|start|let|give|take|make|keep|try|use|be|get|ask|tell|say|go|leave|put|set|"
    r"avoid|remember|focus|trust|show|find|check|wait|feed|add|aim|bake|cut|drop|end|lower|mix|shape|switch|stir|"
    r"write|call|text|listen|talk|plan|allow|accept|forgive|welcome|receive|respect|hand|share|learn|spend|treat|"
    r"smile|stay|choose|pick|look|think|consider|notice|reach|send|follow|skip|know|expect|hold|handle|read|turn|"
    r"delete|move|drink|eat|sleep|break|stick|buy|wear|open|close|reply|answer|respond|ignore|block|mute|limit|pause|"
    r"breathe|journal|practi[cs]e|save|prepare|measure|weigh|count|fast|cook|walk|sit|write|bring|apologi[sz]e|"
    r"forget|relax|calm|sleep|schedule|book|join|ditch|resist|quit|replace|swap|warm|preheat|score|flour|fold)\b", I)
SHOULD = re.compile(r"\byou (?:should|need to|must|have to|ought to|'?ll want to|can|could)\b|\bthe (?:key|trick|secret) is\b|\bmake sure\b", I)
STORY = re.compile(
    r"\b(?:i|we|my|me)\b[^.?!]{0,60}\b(?:was|were|had|did|went|got|tried|said|told|asked|left|came|started|stopped|"
    r"found|felt|thought|realised|realized|decided|moved|broke|married|met|used to|baked|made|fed|switched|"
    r"followed|read|called|texted|waited)\b|\b(?:last|this past) (?:year|month|week|night|weekend)\b|\b\d+ (?:years?|months?|weeks?) ago\b", I)
QUESTION = re.compile(r"\?[\"”’')!.\s]*$")
ASKS_HELP = re.compile(r"\b(?:i have a question|please (?:someone |anyone )?help|i was (?:just )?wondering|i'?d love to know|following!|same question|wondering the same|any (?:advice|tips|ideas|thoughts)|what (?:should|do|can) i|should i|how (?:do|can|should) i|"
                       r"please help|can anyone|does anyone|is it (?:normal|ok|okay)|help me)\b", I)
FILLER = re.compile(r"^\W*(?:thanks?(?: you)?|thank u|thx|great (?:post|article|read)|love (?:this|it)|"
                    r"nice|wow|ok(?:ay)?|this|same|yes|agreed|\+1)\W*(?:so much|!|\.)*\W*$", I)

# --- contested claims ----------------------------------------------------------
GROUP = (r"(?:men|women|guys|girls|males|females|husbands|wives|boyfriends|girlfriends|a man|a woman|a wife|a husband|"
         r"a girlfriend|a boyfriend|every (?:man|woman|guy|girl|wife|husband)|all (?:men|women)|us women|us men)")
GENDER = re.compile(
    rf"\b{GROUP}\b[^.?!;]{{0,40}}\b(?:are|is|need|needs|want|wants|always|never|can'?t|cannot|don'?t|doesn'?t|do not|"
    rf"crave|craves|love|loves|hate|hates|test|tests|feel|feels|think|thinks|by nature|naturally|"
    rf"biologically|instinctively|will|must|have to|has to|withdraws?|pulls?|fails?|struggled?|have (?:wondered|struggled)|"
    rf"loses?|gets?|tends?|expects?|usually|simply|really|won'?t|would|should|prefers?|likes?)\b"
    rf"|\b(?:foreign|natural|intuitive|different) (?:to|for) {GROUP}\b|\b(?:most|many|all) (?:of us )?(?:women|men)\b"
    r"|\bhard-?wired\b|\bin (?:a |his |her |their )?(?:man'?s |woman'?s )?dna\b|\bby nature\b|\b(?:he|she)'?s a (?:man|woman)\b"
    r"|\b(?:male|female) (?:brain|nature|instinct|psychology)\b|\b(?:hunters?|cavem[ae]n|alpha males?)\b"
    r"|\b(?:masculine|feminine) (?:energy|nature|side)\b|\bfeel(?:ing)? like a (?:real )?(?:man|woman)\b|\bbecause (?:he|she)'?s a (?:man|woman)\b", I)
SCIENCE = re.compile(
    r"\b(?:oxytocin|testosterone|dopamine|serotonin|cortisol|oestrogen|estrogen|adrenaline|hormones?|hormonal|"
    r"neurotransmitters?|brain chemi\w*|chemicals?|amygdala|neuro\w*|primal|evolution\w*|biolog\w*)\b"
    r"|\b(?:studies|research|scientists?|science|experts?)\b[^.?!]{0,30}\b(?:show|shows|showed|prove|proves|proven|says?|found|confirm\w*)\b"
    r"|\b(?:scientifically|clinically) (?:proven|shown)\b|\b(?:\d+ ?|(?:ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[ -]\w+)? )(?:percent|%) of (?:men|women|couples|people|my clients|relationships|the women|the men)\b"
    r"|\b(?:takes|lasts|needs) exactly \d+\b|\b\d+-(?:hour|day|minute) (?:rule|reset|window|cycle)\b"
    r"|\bthe science (?:behind|of)\b|\bpolari[sz]\w*\b|\bstress levels?\b|\b(?:masculine|feminine) energy\b", I)
ABSOLUTE = re.compile(
    r"\b(?:never|always|every single|every time|no matter (?:what|how)|guaranteed|without exception|non-negotiable|"
    r"100 ?(?:percent|%)|nine times out of ten|inevitabl\w*|whether you like it or not|all of your (?:problems|issues)|(?:most likely|probably) all|impossible|the only (?:way|thing)|nothing else (?:you do )?(?:will )?matters?|"
    r"if (?:he|she|they) (?:really )?(?:wanted|loved|cared)\b[^.?!]{0,30}\b(?:would|will))\b", I)

# --- advice unsafe for someone whose partner is controlling or violent ----------
UNSAFE = {
    "give_space": re.compile(
        rf"\bleave {P} (?:alone|be)\b|\blet {P} be\b|\bgive {P} (?:(?:his|her|their|all the|the|some|plenty of) )?(?:space|freedom|room|time)\b"
        rf"|\b{NEG} (?:chase|pursue|follow|call|text|message|contact|reach out to|run after) {P}\b|\bback off\b|\bstep back\b"
        rf"|\b{POSS} need for (?:space|freedom)\b", I),
    "dont_question": re.compile(
        rf"\b{NEG} (?:question|interrogate|quiz|pressure|push|confront|demand|nag|ask {P} (?:where|who|why|what)|ask (?:where|who|why)|"
        rf"ask for (?:an )?explanations?|make {P} explain|bring (?:it|that|this) up)\b|\bno questions asked\b", I),
    "dont_check": re.compile(
        rf"\b{NEG} (?:ever )?(?:look at|check|go through|read|snoop|ask to (?:see|look at|check)|touch) {POSS} (?:phone|messages|texts|emails?|dms|social media)\b"
        rf"|\brespect {POSS} privacy\b|\b{POSS} privacy\b", I),
    "let_him_check": re.compile(
        rf"\blet {P} (?:check|read|see|look at|go through|track|have) (?:your|all your) (?:phone|messages|texts|emails?|location|passwords?)\b"
        rf"|\b(?:give|share|hand over) (?:{P} )?(?:your|all your) (?:passwords?|phone|location|passcode)\b|\bhand it over\b"
        rf"|\b{NEG} (?:get|be) defensive\b|\bnothing to hide\b|\bwhere you are and who you'?re\b", I),
    "wait_it_out": re.compile(
        rf"\bwait (?:it out|for {P}|patiently|until {S})\b|\bbe patient\b|\bhang in there\b|\b{S}(?:'ll| will) come back\b"
        rf"|\b{NEG} (?:panic|worry|react)\b[^.?!]{{0,30}}\b(?:silen\w+|quiet|disappear\w*|distance|withdraw\w*)\b|\bride it out\b", I),
    "receive_no_matter": re.compile(
        rf"\b(?:welcome|receive|take|accept) {P} back\b|\breceive {P}\b|\bforgive (?:and forget|{P})\b"
        rf"|\b(?:love|support|forgive|accept|stand by|stay with) {P} no matter what\b"
        rf"|\bas if nothing (?:had )?happened\b|\bwith open arms\b", I),
    "blames_reader": re.compile(
        r"\byour (?:neediness|nagging|insecurit\w+|jealousy|feelings|emotions|complaining|demands|clinginess|neediness|needs|moods?|pressure|questions)\b"
        r"[^.?!]{0,40}\b(?:cause|causes|caused|push|pushes|drive|drives|make|makes|made|trigger|triggers|is why|are why|is the (?:reason|problem))\b"
        rf"|\b(?:you|you'?ve|you have) (?:push|pushed|drive|drove|driven) {P} away\b|\bit'?s your (?:fault|job)\b"
        rf"|\b(?:mistakes|things)\b[^.?!]{{0,80}}\bpushing (?:{P}|a man|a woman|men|women) (?:further )?(?:and further )?away\b"
        rf"|\b(?:you|we|us women|us men|women|men)\b[^.?!]{{0,60}}\bcause (?:{P}|them|men|women) to (?:feel|pull|withdraw|leave|lose)\b"
        rf"|\b{S} (?:only )?(?:gets?|got|becomes?) (?:angry|cold|distant|mad)\b[^.?!]{{0,20}}\bbecause (?:of )?you\b|\bstop being (?:so )?(?:needy|clingy|dramatic|emotional)\b", I),
    "dont_punish": re.compile(
        rf"\b{NEG} (?:punish|blame|make {P} pay)\b|\bwithdraw(?:ing)? your (?:love|affection)\b|\b{NEG} (?:be|act) (?:cold|distant|snooty|angry|upset) (?:with|to|towards) {P}\b", I),
    "minimises": re.compile(
        r"\b(?:it'?s|that'?s|this is) (?:normal|natural|harmless|not personal|nothing (?:to worry about|personal))\b"
        r"|\bdoesn'?t (?:have to|need to) (?:cause you|hurt|upset|worry)\b|\b(?:he|she|they)(?:'s| is| are)? just doing (?:his|her|their) (?:own )?thing\b"
        rf"|\b{NEG} take it personally\b|\b{S} (?:doesn'?t|don'?t) mean (?:it|anything)\b|\bshouldn'?t hurt you\b", I),
    "isolate": re.compile(
        r"\b(?:never|don'?t|do not) (?:talk|speak|complain|vent) to (?:your )?(?:friends|family|anyone|your mother|your mum|your mom)\b"
        r"|\b(?:friends|family|sisters?|mother|mum|mom|parents|others|people|outsiders)\b[^.?!]{0,30}\b(?:won'?t|don'?t|can'?t|wouldn'?t|will never) understand\b"
        r"|\boutside (?:voices|opinions|influences?)\b|\b(?:pull|turn|poison)\w* you (?:back |away )?(?:against|from|into doubting)\b|\bpull you back\b"
        r"|\b(?:stays?|kept|keep it|keep (?:your )?problems) (?:in|between|within) (?:your relationship|the two of you|you two|the home|these walls)\b"
        r"|\b{NEG} tell (?:your )?(?:friends|family|anyone) about\b", I),
    "obey": re.compile(
        rf"\b(?:never|don'?t|do not) (?:argue|talk back|contradict|disagree|raise your voice)\b|\blet {P} (?:manage|control|handle|decide) (?:the )?(?:money|finances|everything)\b"
        rf"|\b(?:submit|obey|defer) to {P}\b|\b(?:stay|keep) quiet when {S}\b"
        r"|\b(?:say|said|saying) sorry even\b|\bapologi[sz]\w* (?:first|even when|whether|when you'?re not)\b|\beven when it wasn'?t (?:my|your) fault\b"
        rf"|\b(?:don'?t|never|doesn'?t) (?:meet fire with fire|fight (?:{P}|back))\b|\bsteer {P} quietly\b|\ballowance\b|\bpay ?check is worth\b"
        r"|\b(?:separate|secret|own) (?:bank )?accounts?\b|\bmoney separate\b|\bhand (?:over )?(?:your|the|her|his) (?:pay ?check|salary|wages|money|cards?)\b", I),
}
PARTNER = re.compile(
    r"\b(?:he|him|his|he'?s|she|her|she'?s|your (?:partner|husband|wife|boyfriend|girlfriend|man|spouse|guy)|boyfriends?|girlfriends?|husbands?|wives)\b", I)
# a post about being with someone, whoever it names: "your partner", "each other", "couples", "the relationship"
TOGETHER = re.compile(
    r"\b(?:each other|one another|couples?|relationships?|marriages?|married|spouses?|partners?|lovers?|"
    r"the two of you|you two|dating|jealous\w*|fights?|arguments?|argue)\b", I)
SECOND_PERSON = re.compile(r"\b(?:you|your|you'?re|yourself)\b", I)
QUOTED = re.compile(r"[\"“][^\"”]{3,200}[\"”]")

# --- stance and outcome of comments ---------------------------------------------
DISAGREE = re.compile(
    r"\b(?:i (?:strongly |completely |totally )?disagree|disagree|push back|not true|nonsense|rubbish|garbage|bs\b|bullshit|"
    r"harmful|dangerous|toxic|sexist|misogyn\w*|ridiculous|terrible advice|bad advice|awful advice|red flag|"
    r"no such (?:study|thing|finding|evidence)|there is no (?:study|evidence|research|such)|made up|invented|fabricated|"
    r"can'?t find (?:any|a|the) (?:study|source|evidence|research)|frighten\w*|scares? me|"
    r"pseudo-?science|myth|debunk\w*|not how (?:it|that) works|"
    r"please don'?t (?:listen|follow)|stop telling|shame on|this is (?:how|what) abusers?|controlling|abus\w+|not science|"
    r"is wrong|are wrong|so wrong|wrong about|doesn'?t (?:work|hold up)|does not work|makes? no sense|i don'?t buy|"
    r"i'?m not convinced|cherry-?pick\w*|survivorship|no evidence|never been (?:true|proven)|(?:doesn'?t|does not) exist|"
    r"couldn'?t find (?:it|the|any|that|a single)|(?:word for word )?what my (?:controlling |abusive )?ex (?:wanted|demanded|did)|"
    r"i'?d skip|please be careful|this is not ok(?:ay)?|not healthy|unhealthy|insulting|offensive|condescending|patroni[sz]ing|"
    r"i'?m sorry,? but|playing games|exactly what (?:fed|kept|trapped|hurt|fuels?|feeds?)|eating disorder|gave me chills)\b", I)
AGREE = re.compile(
    r"\b(?:thanks?(?: you)?\b(?! for nothing)|(?:this|the|your) (?:article|blog|post|advice) (?:is|was|has)\b[^.?!]{0,30}\b(?:helpful|helped|timely|true|right|spot on|great|saved|explained|amazing|eye.opening)|"
    r"(?:completely|totally|fully) agree|makes (?:so much|total|perfect) sense|has (?:explained|saved|helped)|helped (?:me )?(?:a lot|so much)|great (?:article|post|advice|read)|so true|spot on|exactly(?=[!.])|thank you (?:for|so much)|thanks for (?:this|writing)|"
    r"needed (?:to read|this)|this (?:helped|is so helpful|worked)|love this|couldn'?t agree more|you'?re (?:so )?right|"
    r"amen|well said|i agree|agree with (?:you|this|the author)|so helpful|life-?saver|game-?changer|the results speak|"
    r"best (?:advice|article|post)|brilliant|perfect(?:ly)? (?:explained|put)|nailed it|(?:can )?confirm (?:everything|this|that|it)|"
    r"everything (?:\w+ )?(?:says|said))\b", I)
NUANCE = re.compile(
    r"\b(?:that said|to be fair|in some cases|not always|not all (?:men|women|guys|of)|it depends|partly|mostly agree|"
    r"some (?:good )?points|i'?d add|on the other hand|(?:agree|true|right)\b[^.?!]{0,60}\bbut|i wonder if|instead of (?:just )?waiting|"
    r"not against|there'?s (?:some )?truth|good stuff|totally fair|fair point|works for some)\b", I)
NUANCE_TURN = re.compile(r"\b(?:good|fair|true|right|helped|useful|agree|truth|works?)\b.{0,160}?\b(?:but|however|though)\b", I | re.S)
REFERS_ARTICLE = re.compile(
    r"\b(?:rule|step|fix|tip|part) (?:\d+|one|two|three|four|five)\b|\b(?:the|this|your) (?:article|post|blog|advice|rules?|method|plan)\b"
    r"|\btried (?:it|this|the|your)\b|\blike you said\b|\bfollowed\b", I)
REPLY_THANKS = re.compile(
    r"^\W*(?:[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?,\s*)?(?:thank(?:s| you)|this|exactly|agreed|yes|same|so true|well said|\+1|"
    r"you'?re (?:so |absolutely |completely )?right|i agree|i'?m so glad|so glad|amen)\b", I)
FOLLOWING = re.compile(r"\b(?:doing|following|trying|tried|started|using) (?:the |these |your |her |his |steps? |rules? )*(?:steps?|rules?|advice|tips?|habits?)\b"
                       r"|\b(?:doing|started|trying) (?:steps?|rules?) \d", I)
WORKED = re.compile(
    r"\b(?:it|this|that|the advice|the rules?|the fix(?:es)?|everything) (?:really )?worked\b|\bworked (?:for me|for us|like a charm|perfectly|beautifully)\b"
    r"|\b(?:he|she|they) (?:came back|called|phoned|rang|texted|reached out|apologi[sz]ed|opened up)\b|\bwe(?:'re| are) (?:back together|engaged|married|happier|good now|fine now|closer)\b"
    r"|\bwe (?:were|got) back (?:together|on track|to normal|having)\b"
    r"|\b(?:got|landed) (?:the|a|my) (?:job|offer|place|role|promotion)\b|\bpassed (?:my|the) (?:test|exam)\b|\bpassed first time\b"
    r"|\bthings (?:are|got) (?:so much )?better\b|\b(?:finally|at last) (?:got|had|made|baked)\b|\bfixed (?:it|the problem)\b|\bthat did (?:it|the trick)\b"
    r"|\brose beautifully\b|\bbest (?:loaf|bread|results?)\b|\b(?:huge|big|massive) (?:difference|improvement)\b|\bsolved\b|\bsuccess\b"
    # a report back in other words: "it's so much better", "it's working", "made all the difference", "turned things around"
    r"|\b(?:it|this|that|things)(?:'s| is| has been| have been| are| got) (?:going |working |getting )?(?:so much|much|a lot|way|far) better\b(?! (?:to|for|than|if|when)\b)"
    r"|\b(?:it'?s|it is|things are) better now\b|\b(?:it'?s|it has|things have) (?:been|gone) great\b"
    r"|\b(?!(?:nothing|never|hasn'?t|haven'?t|hadn'?t|didn'?t|not)\b)[a-z]+ (?:finally |actually )?worked[.!]"  # "round three worked."
    r"|\b(?:it'?s|it is|they'?re|they are) working\b|\bmade (?:a |all the )?(?:real |huge |big )?difference\b|\bturned (?:it|things) around\b", I)
FAILED = re.compile(
    r"\b(?:didn'?t|did not|never) (?:work|help|change|calm|fix|stop)\b|\b(?:got|gotten|getting) (?:worse|longer|more frequent)\b|\b(?:he|she|they) (?:left|never came back|broke up with me|dumped me|moved on|blocked me|ghosted)\b"
    r"|\bwe (?:broke up|split|divorced)\b|\bit'?s over\b|\b(?:still|again) flat\b|\bmade (?:it|things) worse\b|\blost (?:him|her|them)\b"
    r"|\bwas (?:seeing|cheating|sleeping with)\b|\bcheated\b|\bended (?:it|things)\b|\bwaste of time\b|\bno (?:luck|change|difference)\b"
    r"|\bwent flat\b|\bcollapsed\b|\bstill (?:dense|gummy|spreading|spreads)\b|\bnot (?:that )?into (?:this|you|it|me)\b|\bgained\b"
    r"|\b(?:i|we) (?:finally )?(?:left|got out|walked out|moved out)\b"
    # "He said he didn't want contact and asked me not to message again.", "I never heard back."
    r"|\b(?:didn'?t|doesn'?t|did not|does not) want (?:any )?(?:contact|to (?:talk|see me|hear from me|be friends))\b"
    r"|\basked me not to (?:message|contact|text|call|write|reach out)\b|\bnever (?:heard back|got (?:a |an )?(?:reply|answer|response))\b"
    r"|\bwants? nothing (?:more )?to do with me\b"
    # "It didn't open any door.", "we've started talking to a lawyer about separating", "sleeping in different rooms"
    r"|\b(?:didn'?t|did not|never) (?:open|go (?:well|anywhere)|get (?:any )?better|make (?:any |a )?difference|last|stick|budge)\b"
    r"|\b(?:talking|talked|spoken|spoke) to (?:a|an) (?:lawyer|solicitor|attorney)\b|\b(?:we'?re|we are|we'?ve been|we have been|are|been|about|now|got|getting) separat(?:ing|ed)\b|\bsleeping in (?:different|separate) rooms\b"
    r"|\bblocked my (?:number|email|phone|calls?)\b|\b(?:filed|filing) for divorce\b|\bwent (?:badly|horribly|terribly)\b|\bback to square one\b|\bworse than (?:before|ever)\b", I)
WISHED = re.compile(r"\b(?:wish(?:ed)?|if only|hoped|hoping|was supposed to|would love to say|can'?t say|cannot say)\b[^.!?]*$", I)


def endings(text: str) -> tuple[list[int], list[int]]:
    """Where ``text`` (plain) says it worked and where it says it failed; "I wish I could say this worked" is a
    success only wished for: how it failed."""
    said = [m.start() for m in WORKED.finditer(text)]
    worked = [i for i in said if not WISHED.search(text[max(0, i - 30):i])]
    return worked, [m.start() for m in FAILED.finditer(text)] + [i for i in said if i not in worked]


ANGER = re.compile(
    r"\b(?:temper|anger|angry|snap\w*|rage|raging|yell\w*|shout\w*|scream\w*|outbursts?|moods?|moody|rough|explod\w*|"
    r"blow(?:s|ing)? up|blow(?:s|ing)? off steam|lash\w* out|storms?|raised voice|punch\w*|hits?|hitting|grab\w*|shov\w*)\b", I)
EXCUSE = re.compile(
    r"\b(?:stress\w*|work|job|childhood|alcohol|drink\w*|tired|hungry|doesn'?t mean|didn'?t mean|isn'?t really|not really|"
    r"can'?t (?:switch|turn) (?:it )?off|outlet|steam|cares?|caring|loves? you|natural|normal|not a crime|built|wired|"
    r"just how|only human|passion\w*|sign of|bad day|pressure|frustrat\w*)\b", I)


def excuses_anger(sentence: str) -> bool:
    """Anger or roughness explained away: his stress, his childhood, 'he doesn't mean it', 'men need an outlet'."""
    text = plain(sentence)
    who = PARTNER.search(text) or re.search(rf"\b{GROUP}\b", text, I)
    return bool(who and ANGER.search(text) and EXCUSE.search(text))


def plain(text: str) -> str:
    """Curly quotes as straight ones, so the rules' apostrophes match any typing."""
    return text.translate(_PLAIN)


_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def advice_score(sentence: str) -> float:
    sentence = plain(sentence)
    if IMPERATIVE.search(sentence) or SHOULD.search(sentence):
        return 1.0
    return 0.0


def claim_kinds(sentence: str) -> list[str]:
    """Contested-claim kinds of one sentence (rule)."""
    sentence = plain(sentence)
    kinds = []
    if GENDER.search(sentence):
        kinds.append("gender_generalisation")
    if SCIENCE.search(sentence):
        kinds.append("pseudo_science")
    if ABSOLUTE.search(sentence):
        kinds.append("absolute")
    return kinds


def about_partner(sentence: str) -> bool:
    """A sentence that tells the reader something about how to be with their partner."""
    text = plain(sentence)
    who = PARTNER.search(text) or re.search(rf"\b{GROUP}\b", text, I) or TOGETHER.search(text)
    return bool(who and (SECOND_PERSON.search(text) or advice_score(text) or ABSOLUTE.search(text) or re.search(r"\b(?:we|us)\b", text, I)))


def unsafe_tags(sentence: str) -> list[str]:
    """Unsafe-advice tags of one sentence (rule); words inside quotation marks are a mention, not advice,
    and a question asks about advice rather than giving it."""
    if QUESTION.search(sentence):
        return []
    bare = QUOTED.sub(" ", plain(sentence))
    found = [tag for tag, rx in UNSAFE.items() if rx.search(bare)]
    if "minimises" not in found and excuses_anger(bare):
        found.append("minimises")
    return found


# --- topics the article leaves out ----------------------------------------------
# "a whole other topic, perhaps for a separate article", "I'm not going to get into night terrors here", "I'll cover
# strength training in another post": the article says it does not answer something
DEFERS = re.compile(r"\b(?:a |another |whole |different |separate )+(?:other )?(?:topic|article|post)\b[^.?!]{0,40}\b(?:itself|altogether|entirely|time|day)?"
                    r"|\bbeyond the scope\b|\bfor another (?:day|time|post|article)\b|\b(?:deserves|needs|gets|for) (?:its|their) own (?:post|article)\b"
                    r"|\b(?:i'?m|i am) not (?:going to|gonna) (?:get|go) into\b(?P<into>[^.;!?]{0,40}?)\bhere\b"
                    r"|\b(?:i'?m|i am) not (?:going to|gonna) (?:answer|cover|discuss|tackle|talk about)\b(?P<about>[^.;!?]{0,40}?)\bhere\b"
                    r"|\bin (?:another|a (?:separate|future|later|different)) (?:post|article)\b"
                    r"|\b(?:don'?t|do not) want to cram (?:it|that|this|them) in(?:to this one)? here\b", I)
# "This post is what I wish ... It isn't about the stages of grief or the funeral.": what the article is not about,
# when it or the sentence before it speaks of the post itself (not "It isn't about blame" in a step's advice)
NOT_ABOUT = re.compile(r"\b(?:this (?:post|article|piece|guide)|it) (?:isn'?t|is not|won'?t be) about\b(?P<topic>[^.;!?]{3,80})", I)
SPEAKS_OF_POST = re.compile(r"\bth(?:is|e) (?:post|article|piece|guide)\b", I)
# what is left of a deferring sentence once the deferral is taken out: words about asking and telling, not a topic
_DEFER_FILLER = re.compile(r"\b(?:people|readers|you all|everyone|(?:a lot|lots|many|some|so many) of you)(?: also)?(?: keep| have)?(?: also)? ask(?:s|ed|ing)? me (?:this|that|about (?:this|that)|about)?"
                           r"(?: (?:all the time|a lot|more than anything else|constantly|often))?|\bi (?:get|got) asked (?:this|that)"
                           r"(?: (?:all the time|a lot|more than anything else|constantly|often))?|^\W*(?:honestly|frankly|so|but|and|also|though)\b"
                           r"|\b(?:that|this|it)(?:'s| is| was)\s*$|\b(?:is|are|was|were|and|which|,)\s*$|\bi(?:'ll| will) cover\b|\bi get why\b", I)
_FUNCTION = frozenset("""a an the and or but so of to in on at for with by from as is are was were be been it its this that these those
there here i me my we our you your he him his she her they them their what which who whom whether how if then than
one ones just really very not no do does did done have has had will would can could should may might must up out
about into over more most much many also too only own same other another whole different separate topic post article
perhaps itself honestly deserves paragraph tacked end anything else""".split())


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", plain(text).lower()) if w not in _FUNCTION and len(w) > 2}


def _bare(piece: str) -> str:
    """A piece of a deferring sentence without the words about asking ("People ask me this all the time")."""
    for _ in range(3):  # "..., and it's" ends in two fillers
        piece = _DEFER_FILLER.sub(" ", piece).strip(" ,;:–-")
    return re.sub(r"\s+", " ", piece).strip()


def deferred_topic(sentences: list[str], i: int, heading: str = "", opens_section: bool = False) -> tuple[str, ...]:
    """What the article's sentence ``i`` says it leaves out, as texts a question can be compared with: what the sentence
    names before its deferral ("whether a man is selfish or simply being a male") or inside it ("not going to get into
    night terrors here"); the sentence before, when it names the same thing or the
    sentence names nothing ("People also ask me whether you should be engaged first ... I'm not going to get into that
    here."); the section's heading when the sentence opens its section ("What about vaping?"). Empty when sentence
    ``i`` defers nothing."""
    text = plain(sentences[i])
    found = list(DEFERS.finditer(text))
    if not found:
        return _not_about(sentences, i)
    inside = [m.group("into") or m.group("about") or "" for m in found]
    pieces = [_bare(text[: found[0].start()])] + [_bare(p) for p in inside]
    named = [p for p in pieces if len(_content(p)) >= 2]
    if not named and i > 0 and DEFERS.search(plain(sentences[i - 1])):
        return deferred_topic(sentences, i - 1, heading, opens_section)  # "... a whole other post. I'm not going to get into that here."
    topics = list(named)
    words = set().union(*(_content(p) for p in named)) if named else set()
    if i > 0 and (not named or words & _content(sentences[i - 1])):
        # ("A lot of you have asked me ... whether we talked about donor eggs or adoption. We did, a lot. But I'm not
        # going to get into that here": a sentence that names nothing stands between them)
        before = i - 1 if len(_content(sentences[i - 1])) >= 2 or i < 2 or named else i - 2
        topics.append(sentences[before].strip())
        if len(_content(bare := _bare(sentences[before]))) >= 2:  # "wills, probate and ...", without "People also ask me about"
            topics.append(bare)
    if heading and opens_section:
        topics.append(heading.strip())
    return tuple(dict.fromkeys(t for t in topics if t))


def _not_about(sentences: list[str], i: int) -> tuple[str, ...]:
    """What the article says it is not about ("It isn't about the stages of grief or the funeral."), when the sentence
    or the one before it speaks of the post itself; empty otherwise."""
    text = plain(sentences[i])
    m = NOT_ABOUT.search(text)
    if m is None or not (SPEAKS_OF_POST.search(text) or (i > 0 and SPEAKS_OF_POST.search(plain(sentences[i - 1])))):
        return ()
    topic = _bare(m.group("topic"))
    return (topic,) if len(_content(topic)) >= 2 else ()
